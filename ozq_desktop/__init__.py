"""OZQ Desktop: the counter application for public service centres.

Importing this package must stay cheap and Qt-free: the hub and the benchmarks
import parts of it without a display.
"""

__version__ = "0.1.0"
