"""One module per page; each is layout and words only."""
