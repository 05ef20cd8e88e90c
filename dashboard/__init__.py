"""The analysts' dashboard (Streamlit) on the warehouse's published read-only copy.

`cfdi-etl dashboard` starts it. Every figure comes from a view in warehouse/views/: `consultas` selects
from them with the filters' parameters, the pages in `paginas/` only present what it returns.
"""

__all__: list[str] = []
