"""Asset checks that fail loudly; each reads what the steps recorded and says what to do."""
