"""The Streamlit app's pages and what they share (session, words, widgets). The only code
that imports streamlit; it reaches data only through :class:`detection.repository.Repository`."""
