"""The command line: wires etl, warehouse and assets together for people at a terminal."""
