"""Shared Streamlit widgets and helpers."""
