"""SQL stores of what the console owns: passwords, lock-out state, sessions."""
