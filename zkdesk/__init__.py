"""zkdesk: records of the Zhenkang County industrial-workforce reform plan."""

__version__ = "0.1.0"
