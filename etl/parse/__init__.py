"""Parsing: SAT's zip packages, its metadata text and the CFDI / Retenciones XML into typed frames.

`packages` opens zips one entry at a time; `metadata` reads SAT's metadata text; `documents` sends each XML
document to `cfdi` or `retenciones` by its root element, in batches, on one or more processes.
"""
