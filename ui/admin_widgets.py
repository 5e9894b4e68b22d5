"""The admin page's sections: labeled pairs, fine-tune job, evaluation, model versions.

Each section reads its widgets, calls ``resumatch`` and renders; nothing here trains or
scores by itself. User text (pairs, file names) is shown with ``st.dataframe``/``st.text``
or escaped, never as live markdown.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import PurePosixPath

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from resumatch.config import Settings
from resumatch.embed.registry import ModelRegistry, ModelVersion, heldout_spearman
from resumatch.fairness.name_swap import sensitivity_warning
from resumatch.ingest.documents import too_large_message
from resumatch.store import Store
from resumatch.train import jobs
from resumatch.train.pairs import (
    Dataset,
    PairsFile,
    list_datasets,
    pairs_csv,
    parse_pairs,
    save_dataset,
    unique_dataset_name,
)
from resumatch.train.training import LOSSES, SCHEDULERS, TrainingParams, promotion_check
from ui import access, admin_bias, cache
from ui.text import duration, escape_markdown

LOG = logging.getLogger(__name__)
POLL_S = 2.0
WATCH_KEY = "admin_watching_run"
FLASH_KEY = "admin_flash"
PENDING_KEY = "admin_pending_promotion"


def flash(message: str) -> None:
    """Show ``message`` once, after the next rerun."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else "-"


# -- 1. labeled pairs ------------------------------------------------------------------------
def _parsed(upload: object) -> PairsFile:
    """Parse an upload once per file content (reruns reuse the result)."""
    data = upload.getvalue()
    key = (upload.name, len(data), hash(data))
    memo = st.session_state.get("admin_parsed_pairs")
    if not memo or memo[0] != key:
        memo = (key, parse_pairs(upload.name, data))
        st.session_state["admin_parsed_pairs"] = memo
    return memo[1]


def pairs_section(settings: Settings, store: Store) -> None:
    """Upload → validate every row → summary and row errors → store accepted rows."""
    st.header("Labeled pairs")
    st.caption("CSV or JSONL with columns resume, job, label (label from 0 to 1). The "
               "layouts sentence1/sentence2/score and sentence_0/sentence_1/label are "
               "accepted too. Rejected rows are listed and never trained on.")
    upload = st.file_uploader("Upload labeled pairs", type=["csv", "jsonl", "json", "ndjson"],
                              key="pairs_file")
    if upload is None:
        return
    if upload.size > settings.max_upload_bytes:
        st.error(too_large_message(upload.size, settings.max_upload_bytes))
        return
    result = _parsed(upload)
    summary = result.summary()
    cols = st.columns(4)
    cols[0].metric("Rows read", summary["rows"])
    cols[1].metric("Accepted", summary["accepted"])
    cols[2].metric("Rejected", summary["rejected"])
    cols[3].metric("Distinct resumes", summary["resumes"])
    if result.errors:
        st.subheader("Row errors")
        st.dataframe(pd.DataFrame({"row": [e.row or "file" for e in result.errors],
                                   "problem": [e.message for e in result.errors]}),
                     hide_index=True, width="stretch")
    if not result.pairs:
        st.error("No row can be used: fix the problems above and upload again.")
        return
    labels = pd.DataFrame({"label": [p.label for p in result.pairs]})
    figure = px.histogram(labels, x="label", range_x=[0, 1],
                          title="Label histogram (accepted rows)")
    figure.update_traces(xbins={"start": 0.0, "end": 1.0001, "size": 0.1})
    figure.update_layout(height=260, margin={"t": 40, "b": 10}, bargap=0.05)
    st.plotly_chart(figure, width="stretch")
    stem = PurePosixPath(upload.name).stem or "pairs"
    st.download_button("Download the accepted rows (CSV)", pairs_csv(result.pairs),
                       file_name=f"{stem}_accepted.csv", mime="text/csv",
                       key="download_accepted_pairs")
    with st.form("save_dataset"):
        name = st.text_input("Dataset name", value=unique_dataset_name(store, stem))
        if st.form_submit_button(f"Save {len(result.pairs)} accepted pairs as a dataset",
                                 type="primary"):
            try:
                dataset = save_dataset(store, name, result.pairs)
            except ValueError as err:
                st.error(escape_markdown(str(err)))
            else:
                store.audit(access.session_label(), "dataset_saved",
                            detail={"dataset": dataset.name, "rows": dataset.n_rows,
                                    "rejected": summary["rejected"]})
                st.session_state["admin_dataset"] = dataset.id
                flash(f"Stored dataset {escape_markdown(repr(dataset.name))} with "
                      f"{dataset.n_rows} pairs.")
                st.rerun()


# -- 2. fine-tune job --------------------------------------------------------------------------
def _params_form(registry: ModelRegistry) -> TrainingParams:
    defaults = TrainingParams()
    with st.expander("Training settings"):
        left, right = st.columns(2)
        epochs = left.number_input("Epochs", 1, 100, defaults.epochs, key="tp_epochs")
        learning_rate = left.number_input("Learning rate", 1e-7, 1e-2, defaults.learning_rate,
                                          step=1e-5, format="%.6f", key="tp_lr")
        batch_size = left.number_input("Batch size", 1, 256, defaults.batch_size,
                                       key="tp_batch")
        seed = left.number_input("Seed", 0, 2**31 - 1, defaults.seed, key="tp_seed")
        scheduler = left.selectbox("Learning-rate schedule", SCHEDULERS, key="tp_sched")
        loss = left.selectbox(
            "Loss", LOSSES, index=LOSSES.index(defaults.loss), key="tp_loss",
            format_func=lambda name: {"cosine": "CosineSimilarityLoss",
                                      "cosent": "CoSENTLoss"}[name],
            help="CosineSimilarityLoss fits the cosine to each label; CoSENTLoss only "
                 "learns the order of the labels (a ranking loss). The default is the one "
                 "that measured better on held-out pairs (README, fine-tuning).")
        test_fraction = right.slider("Held-out share (grouped by resume)", 0.05, 0.5,
                                     defaults.test_fraction, 0.05, key="tp_test")
        max_seq_length = right.select_slider(
            "Training sequence length (tokens)", [64, 128, 256], defaults.max_seq_length,
            key="tp_seq", help="Texts are cut to this many tokens while training only; the "
                               "new model still reads 256-token windows when scoring. 128 "
                               "halves a step on long resumes but scored about 0.02 lower "
                               "held-out Spearman in our tests.")
        freeze_embeddings = right.checkbox(
            "Freeze token embeddings", defaults.freeze_embeddings, key="tp_freeze_emb",
            help="Half of the model's weights; leaving them fixed makes CPU steps faster "
                 "at no measured cost in held-out quality.")
        frozen_layers = right.number_input(
            "Frozen lowest transformer layers", 0, 6, defaults.frozen_layers, key="tp_layers",
            help="Faster steps, but 2 frozen layers cost about 0.02-0.03 held-out Spearman.")
        versions = [v.id for v in registry.versions()]
        start_from = right.selectbox("Start from version", versions, key="tp_from",
                                     help="base: the shipped model (default)")
    return TrainingParams(epochs=int(epochs), learning_rate=float(learning_rate),
                          batch_size=int(batch_size), seed=int(seed), scheduler=scheduler,
                          test_fraction=float(test_fraction),
                          max_seq_length=int(max_seq_length),
                          freeze_embeddings=bool(freeze_embeddings),
                          frozen_layers=int(frozen_layers), start_from=start_from,
                          loss=loss)


def training_section(settings: Settings, store: Store, registry: ModelRegistry) -> None:
    """Pick a dataset and settings, see the time estimate, start; then watch progress."""
    st.header("Fine-tune")
    running = jobs.active_run(store)
    datasets = list_datasets(store)
    if running is None and not datasets:
        st.info("Store a dataset of labeled pairs first (above).")
    if datasets:
        ids = [d.id for d in datasets]
        chosen = st.session_state.get("admin_dataset")
        dataset: Dataset = st.selectbox(
            "Dataset", datasets, index=ids.index(chosen) if chosen in ids else 0,
            format_func=lambda d: f"{d.name} ({d.n_rows} pairs, {_when(d.created)})")
        params = _params_form(registry)
        problems = params.problems()
        for problem in problems:
            st.error(problem)
        if running is None and not problems:
            _estimate(store, registry, dataset, params)
            if st.button("Train", type="primary", key="train_start"):
                try:
                    run = jobs.start_training(settings, store, dataset.id, params.to_dict(),
                                              session=access.session_label())
                except RuntimeError as err:
                    st.error(escape_markdown(str(err)))
                else:
                    store.audit(access.session_label(), "train_started",
                                detail={"run": run.id, "dataset": dataset.name,
                                        "params": params.to_dict()})
                    st.session_state[WATCH_KEY] = run.id
                    st.rerun()
    if running is not None:
        st.session_state[WATCH_KEY] = running.id
    watched = st.session_state.get(WATCH_KEY)
    if running is not None:
        st.fragment(run_every=POLL_S)(_progress)(store, running.id)
    elif watched:
        _finished_note(store, watched)


def _estimate(store: Store, registry: ModelRegistry, dataset: Dataset,
              params: TrainingParams) -> None:
    try:
        with st.spinner("Timing a few training steps on this machine…"):
            estimate = jobs.estimate_time(store, registry.get(params.start_from).path,
                                          dataset.id, params)
    except Exception as err:  # an estimate must never block training
        LOG.exception("time estimate failed")
        st.caption(f"No time estimate: {escape_markdown(str(err))}")
        return
    if estimate is None:
        return
    st.info(f"Estimated training time: about {duration(estimate.seconds)} "
            f"({estimate.steps} steps × {estimate.seconds_per_step:.1f} s/step, plus loading, "
            f"saving and evaluation).")
    st.caption(f"How: {estimate.method}; total = steps × seconds per step + evaluation of "
               "the held-out pairs each epoch + about 8 s to load and save the model. "
               "Other work on this machine makes it slower.")


def _progress(store: Store, run_id: str) -> None:
    """Polled every few seconds while the run is active; reruns the page when it ends."""
    run = jobs.refresh(store, run_id)
    if not run.active:
        st.rerun(scope="app")
    text = f"step {run.step} of {run.total_steps or '?'} · epoch {run.epoch:.2f}"
    if run.loss is not None:
        text += f" · loss {run.loss:.4f}"
    if run.eta_s is not None and run.step:
        text += f" · about {duration(run.eta_s)} left"
    st.progress(run.fraction, text=text)
    st.caption(f"Run {run.id} ({run.status}): {escape_markdown(run.message)}")
    if run.status != "cancelling" and st.button("Cancel training", key="train_cancel"):
        jobs.cancel(store, run.id)
        store.audit(access.session_label(), "train_cancel_requested", detail={"run": run.id})
        st.rerun(scope="app")


def _finished_note(store: Store, run_id: str) -> None:
    try:
        run = jobs.refresh(store, run_id)
    except KeyError:
        return
    if run.status == "done":
        st.success(f"Run {run.id} finished: new version {run.version_id}. Compare it below, "
                   "then promote it if it is better.")
    elif run.status in ("failed", "cancelled"):
        (st.warning if run.status == "cancelled" else st.error)(
            f"Run {run.id} {run.status}: {escape_markdown(run.message)}")
        tail = jobs.log_tail(run)
        if tail:
            with st.expander("Process output"):
                st.code(tail, language=None)


# -- 3. evaluation -----------------------------------------------------------------------------
def evaluation_section(store: Store) -> None:
    """Parent vs new model on the run's held-out pairs: metrics and a label/score scatter."""
    done = [r for r in jobs.list_runs(store) if r.status == "done" and r.metrics.get("new")]
    if not done:
        return
    st.header("Evaluation on held-out pairs")
    run = st.selectbox("Training run", done, key="eval_run",
                       format_func=lambda r: f"{r.id} → {r.version_id}")
    base, new = run.metrics["base"], run.metrics["new"]
    table = pd.DataFrame([{"model": f"{m['model_id']} ({role})", "Spearman": m["spearman"],
                           "Pearson": m["pearson"], "MSE": m["mse"],
                           "ranking nDCG@10": m.get("ndcg"), "pairs": m["n"],
                           "jobs ranked": m.get("ndcg_jobs", 0)}
                          for role, m in (("before", base), ("fine-tuned", new))])
    cols = st.columns(4)
    labels = {"spearman": "Held-out Spearman", "pearson": "Held-out Pearson",
              "mse": "Held-out MSE", "ndcg": "Ranking nDCG@10"}
    for col, key, better in ((cols[0], "spearman", "normal"), (cols[1], "pearson", "normal"),
                             (cols[2], "mse", "inverse"), (cols[3], "ndcg", "normal")):
        value, before = new.get(key), base.get(key)
        delta = (f"{value - before:+.3f} vs {base['model_id']}"
                 if value is not None and before is not None else None)
        col.metric(labels[key], "n/a" if value is None else f"{value:.3f}", delta,
                   delta_color=better)
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption("Ranking nDCG@10: each held-out job's labelled candidates ranked with the "
               "Match page's scoring, labels as gains, averaged over jobs with at least two "
               "candidates (n/a when there are none). A version can fit the labels better "
               "(Spearman) and still rank worse; promotion warns when ranking gets worse.")
    if new.get("ndcg") is not None and base.get("ndcg") is not None \
            and new["ndcg"] < base["ndcg"]:
        st.warning(f"The fine-tuned version ranks held-out jobs' candidates worse "
                   f"(nDCG@10 {new['ndcg']:.3f} against {base['ndcg']:.3f}).")
    points = pd.DataFrame(
        [{"label": label, "cosine score": score, "model": f"{m['model_id']}"}
         for m in (base, new) for label, score in zip(m["labels"], m["scores"], strict=True)])
    figure = px.scatter(points, x="label", y="cosine score", color="model", opacity=0.8,
                        color_discrete_sequence=["#f59e0b", "#2563eb"],
                        title=f"Label vs cosine score on {new['n']} held-out pairs")
    figure.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="score = label",
                                line={"dash": "dot", "color": "gray"}))
    figure.update_layout(height=380, xaxis_range=[-0.02, 1.02])
    st.plotly_chart(figure, width="stretch", theme=None)  # keep the two models' colours
    st.caption(f"Trained in {duration(run.metrics.get('seconds'))} "
               f"({run.metrics.get('seconds_per_step')} s per step) with "
               f"{_params_text(run.params)}.")
    admin_bias.name_swap_figures(cache.registry(), run.version_id)  # issue 15


def _params_text(params: dict) -> str:
    if not params:
        return "-"
    text = (f"{params.get('epochs')} ep, lr {params.get('learning_rate'):g}, "
            f"batch {params.get('batch_size')}, seq {params.get('max_seq_length')}")
    frozen = []
    if params.get("freeze_embeddings"):
        frozen.append("emb")
    if params.get("frozen_layers"):
        frozen.append(f"{params['frozen_layers']} layers")
    if frozen:
        text += ", frozen " + "+".join(frozen)
    if params.get("max_steps", -1) > 0:
        text += f", max {params['max_steps']} steps"
    return text


# -- 4. versions -------------------------------------------------------------------------------
def versions_section(registry: ModelRegistry) -> None:
    """All versions; promote a newer one or roll back to an older one."""
    st.header("Model versions")
    active = registry.active()
    versions = registry.versions()
    rows = []
    for v in versions:
        baseline = (v.metrics.get("baseline") or {}).get("spearman")
        heldout = v.metrics.get("heldout") or {}
        rows.append({"active": "✓" if v.id == active.id else "", "version": v.id,
                     "created": "shipped" if v.id == "base" else _when(v.created),
                     "dataset": v.dataset or "-", "rows": v.n_rows,
                     "params": _params_text(v.params) if v.id != "base" else "-",
                     "held-out Spearman": heldout_spearman(v),
                     "parent's Spearman": baseline, "Pearson": heldout.get("pearson"),
                     "MSE": heldout.get("mse"), "ranking nDCG@10": heldout.get("ndcg@10"),
                     "parent's nDCG@10": (v.metrics.get("baseline") or {}).get("ndcg@10"),
                     "loss": v.params.get("loss", "cosine") if v.id != "base" else "-"})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.3f")
                                for c in ("held-out Spearman", "parent's Spearman",
                                          "Pearson", "MSE", "ranking nDCG@10",
                                          "parent's nDCG@10")})
    others = [v for v in versions if v.id != active.id]
    if not others:
        st.caption("Only the base model so far: fine-tune to get another version.")
        return
    # Newest first: the usual next step is promoting what was just trained.
    others.sort(key=lambda v: v.created, reverse=True)
    candidate: ModelVersion = st.selectbox(
        "Version to activate", others, key="promote_choice",
        format_func=lambda v: v.id + (" (roll back)" if v.created < active.created else ""))
    pending = st.session_state.get(PENDING_KEY)
    if pending and pending.get("candidate") == candidate.id:
        st.warning(pending["warning"] + " Promote it anyway?")
        left, right = st.columns(2)
        if left.button("Yes, activate it anyway", key="promote_confirm"):
            st.session_state.pop(PENDING_KEY, None)
            _activate(registry, candidate.id, pending)
        if right.button("No, keep the current model", key="promote_abort"):
            st.session_state.pop(PENDING_KEY, None)
            st.rerun()
        return
    label = "Roll back" if candidate.created < active.created else "Promote"
    if st.button(f"{label} to {candidate.id}" if label == "Roll back" else
                 f"{label} {candidate.id}", type="primary", key="promote_go"):
        with st.spinner("Comparing with the active model on the same held-out pairs…"):
            check = promotion_check(registry, candidate.id)
        names_warning = sensitivity_warning(candidate)  # name-swap check (issue 15)
        details = {"candidate": candidate.id, "candidate_spearman": check.candidate_spearman,
                   "active_spearman": check.active_spearman, "basis": check.basis,
                   "candidate_ndcg": check.candidate_ndcg, "active_ndcg": check.active_ndcg,
                   "name_swap_warning": names_warning}
        warnings = [w for w in (check.warning() if check.lower else None, names_warning) if w]
        if warnings:
            st.session_state[PENDING_KEY] = {**details, "warning": " ".join(warnings)}
            st.rerun()
        _activate(registry, candidate.id, details)


def _activate(registry: ModelRegistry, version_id: str, details: dict) -> None:
    previous = registry.active().id
    rollback = registry.is_rollback(version_id)
    try:
        version = registry.promote(version_id)
    except (KeyError, FileNotFoundError) as err:
        st.error(escape_markdown(str(err.args[0] if err.args else err)))
        return
    # Loaded encoders are keyed by version; clear them so nothing stale stays in memory.
    cache.clear_model_cache()
    cache.encoder(version)  # auto: start preparing the new version's faster encoder now
    registry.store.audit(access.session_label(), "rollback" if rollback else "promote",
                         model_id=version.id,
                         detail={**details, "previous": previous,
                                 "warning": details.get("warning")})
    flash(f"Active model is now {version.id} (was {previous}). The Match page scores "
          "with it from now on.")
    st.rerun()


def audit_section(store: Store) -> None:
    """The latest admin actions from the append-only audit log."""
    rows = [r for r in store.audit_rows(limit=200)
            if r["action"] in ("promote", "rollback", "train", "train_started",
                               "train_failed", "train_cancelled", "train_cancel_requested",
                               "dataset_saved")][:20]
    if not rows:
        return
    with st.expander("Recent admin actions (audit log)"):
        st.dataframe(pd.DataFrame([{"when": _when(r["ts"]), "session": r["session"],
                                    "action": r["action"], "model": r["model_id"],
                                    "detail": json.dumps(json.loads(r["detail"]))[:200]}
                                   for r in rows]),
                     hide_index=True, width="stretch")
