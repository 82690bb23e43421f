"""Domain rules and use cases, importable without Streamlit."""
