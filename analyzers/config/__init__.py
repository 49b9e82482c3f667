"""Configuration rules (config.*): what each function, store, key and account setting says about posture."""
