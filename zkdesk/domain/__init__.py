"""Pure Python rules: codes, check digits, choices, targets and progress. No Qt, no storage."""
