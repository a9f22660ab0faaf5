"""Use cases: one function per user action. Each takes a Session opened by the caller."""
