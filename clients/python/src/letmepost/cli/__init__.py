"""The `letmepost` command line (see `letmepost --help`)."""
