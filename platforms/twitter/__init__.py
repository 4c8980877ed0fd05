"""X (Twitter): preflight rules (preflight.py); the adapter and client live beside them."""
