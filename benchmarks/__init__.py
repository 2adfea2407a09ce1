"""`make bench`: speed and memory measurements, printed, never asserted by unit tests."""
