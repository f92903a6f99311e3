"""The program across every agency, for its staff: the agency list, the program's figures and
report, and the rules versions."""
