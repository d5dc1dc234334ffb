"""Signing in: the password form and its lockout, two-factor sign-in, idle sessions, re-authentication."""
