"""Messages of the template area (English and Japanese)."""

MESSAGES: dict[str, dict[str, str]] = {
}
