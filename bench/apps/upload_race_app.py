"""A Streamlit app that starts a new script run every few milliseconds, for
``bench/upload_race.py``. With ``RESUMATCH_STREAMLIT_FIXES=1`` it applies
``ui.streamlit_fixes.keep_request_answers`` first, as ``app.py`` does."""

import os
import sys
import time
from pathlib import Path

import streamlit as st

if os.environ.get("RESUMATCH_STREAMLIT_FIXES") == "1":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from ui.streamlit_fixes import keep_request_answers

    keep_request_answers()

files = st.file_uploader("Upload", accept_multiple_files=True, key="files")
st.write(f"files: {len(files or [])}")
time.sleep(float(os.environ.get("RACE_RUN_S", "0.005")))
st.rerun()
