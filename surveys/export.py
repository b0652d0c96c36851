"""Leaderboard export (CSV/XLSX), with spreadsheet formula injection neutralised."""

import io

import pandas as pd
from django.http import HttpResponse

from dealreg.export import neutralise


def leaderboard_frame(scores):
    frame = pd.DataFrame.from_records([
        {"Rank": s.rank, "Partner": s.partner.name, "Tier": s.partner.tier, "Answers": s.n, "Promoters": s.promoters,
         "Passives": s.passives, "Detractors": s.detractors, "NPS": s.nps, "95% low": s.ci_low, "95% high": s.ci_high,
         "Shrunk score": s.shrunk, "Trend": s.trend_delta, "Trend significant": s.trend_significant}
        for s in scores
    ], columns=["Rank", "Partner", "Tier", "Answers", "Promoters", "Passives", "Detractors", "NPS", "95% low",
                "95% high", "Shrunk score", "Trend", "Trend significant"])
    for column in ("Partner", "Tier"):
        frame[column] = frame[column].map(neutralise)
    frame["Rank"] = frame["Rank"].astype("Int64")  # "2", not "2.0", with blanks for partners not ranked
    return frame.round(1)


def leaderboard_response(run, scores, fmt, *, tenant):
    frame = leaderboard_frame(scores)
    stamp = run.run_date.isoformat() if run else "no-run"
    if fmt == "csv":
        response = HttpResponse(frame.to_csv(index=False), content_type="text/csv; charset=utf-8")
    else:
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name="NPS", engine="openpyxl")
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{tenant.slug}-nps-{stamp}.{fmt}"'
    return response
