"""The one compiled part: the CFDI tree extractor (etl/parse/cfdi/_extract.c).

Everything else is in pyproject.toml.

It reads the libxml2 tree lxml has already built, so it compiles against the headers lxml ships: libxml2's
(the version lxml was built with) and lxml's own public C header (`lxml/etree.h`, its element struct);
both versions are checked again at import. It is optional: without a C compiler the install still succeeds
and the parser runs in Python only, slower.
"""

from pathlib import Path

import lxml
from lxml import get_include
from setuptools import Extension, setup

# the folder holding the lxml package, so that the source says #include <lxml/etree.h>
_LXML_PARENT = str(Path(lxml.__file__).resolve().parent.parent)

setup(
    ext_modules=[
        Extension(
            "etl.parse.cfdi._extract",
            sources=["etl/parse/cfdi/_extract.c"],
            include_dirs=[*get_include(), _LXML_PARENT],
            extra_compile_args=["-O2", "-std=c11", "-Wall", "-Wextra"],
            optional=True,
        )
    ]
)
