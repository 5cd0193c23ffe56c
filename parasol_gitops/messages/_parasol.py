"""Messages of the parasol area (English and Japanese)."""

MESSAGES: dict[str, dict[str, str]] = {
}
