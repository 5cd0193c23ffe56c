"""Messages of the pipeline area (English and Japanese)."""

MESSAGES: dict[str, dict[str, str]] = {
}
