"""The parents' web chat: general questions only (no identity, so no personal records)."""
