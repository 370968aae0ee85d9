"""mirmine: text mining of microRNA / drug-resistance findings."""

__version__ = "0.1.0"
