"""Streamlit-side helpers shared by the pages (the core package never imports streamlit)."""
