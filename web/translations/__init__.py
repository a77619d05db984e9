"""The web app's translations (Thai; the messages themselves are English)."""
