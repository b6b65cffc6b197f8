"""Files shipped with the bot: the example PST and the eComptes schema."""
