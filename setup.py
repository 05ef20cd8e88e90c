"""The one compiled part: the CFDI tree extractor (etl/parse/cfdi/_extract.c).

Everything else is in pyproject.toml.

It reads the libxml2 tree lxml has already built, so it compiles against the libxml2 headers lxml ships
(the same version lxml was built with, checked again at import). It is optional: without a C compiler the
install still succeeds and the parser runs in Python only, slower.
"""

from lxml import get_include
from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "etl.parse.cfdi._extract",
            sources=["etl/parse/cfdi/_extract.c"],
            include_dirs=get_include(),
            extra_compile_args=["-O2", "-std=c11", "-Wall", "-Wextra"],
            optional=True,
        )
    ]
)
