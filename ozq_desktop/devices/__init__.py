"""The counter's devices, Qt-free: the scanner (SANE on Linux, WIA on Windows) and the print
system (CUPS on Linux; Windows printing lives in the UI layer because it draws through Qt).

The UI runs every call here on the task helper's workers: a scan or a print job may wait on
hardware for seconds or minutes."""
