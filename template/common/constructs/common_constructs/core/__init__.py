"""Building blocks every API construct shares, identical for every API of a release."""
