"""Messages of the validate area (English and Japanese)."""

MESSAGES: dict[str, dict[str, str]] = {
}
