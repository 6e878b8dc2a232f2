"""Relations read from job titles: ``ORG TITLE (兼 TITLE)… PERSON`` chains, a title
with no organisation (the organisation the text is about), ``時任/前`` for a past
role, ``任命 PERSON 為 TITLE``, and ``PERSON 出任/接任/卸任/是 ORG (的) TITLE``."""
from __future__ import annotations


from ..text import find_words
from .frames import DATE, FrameContext, Sentence

__all__ = ["read_titles"]


def read_titles(ctx: FrameContext, text: str, sent: Sentence, prev: list[Sentence], out: list) -> None:
    """Append to ``out`` every relation the job titles of ``sent`` state."""
    persons = [u for u in sent.units if u.label == "PERSON"]
    titles = find_words(text, tuple(ctx.title_words), sent.start, sent.end)
    titles = [t for t in titles if not any(u.start < t[1] and t[0] < u.end for u in sent.units)]
    title_at_end = {e: (s, w) for s, e, w in titles}
    orgs_at_end = {u.end: u for u in sent.units if u.label == "ORG"}
    anaphors_at_end = {u.end: u for u in sent.units if u.label == "ANAPHOR" and "org" in u.anaphor}
    former_words = tuple(sorted(ctx.former, key=len, reverse=True))
    used_titles = set()
    for p in persons:
        j, chain = p.start, []
        if j > sent.start and text[j - 1] == "的":
            j -= 1
        while j > sent.start:
            while j > sent.start and text[j - 1] == " ":
                j -= 1
            if j in title_at_end:
                s, w = title_at_end[j]
                chain.append(("title", w, s))
                j = s
            elif j in orgs_at_end:
                chain.append(("org", orgs_at_end[j]))
                j = orgs_at_end[j].start
            elif text[j - 1] in ctx.coordinators or text[j - 1] == "&":
                chain.append(("coord",))
                j -= 1
            elif text[j - 1] == "的" and chain and chain[-1][0] == "title":
                j -= 1
            elif chain and chain[-1][0] == "title" and (mod := next((w for w in ctx.title_mods if text.endswith(w, sent.start, j)), None)):
                j -= len(mod)  # 聯席CEO, 共同創辦人: the same role, shared
            else:
                fw = next((w for w in former_words if text.endswith(w, sent.start, j)), None)
                if fw and chain:
                    chain.append(("former",))
                    j -= len(fw)
                else:
                    break
        org, former = None, False
        if chain and not any(item[0] == "org" for item in chain) and any(item[0] == "title" for item in chain):
            start = min(item[2] for item in chain if item[0] == "title")
            org = ctx.topic_org(sent, prev, start, text)
            if org is not None:
                chain.append(("org", org, "topic"))
        for item in reversed(chain):
            if item[0] == "org":
                org = item[1]
            elif item[0] == "former":
                former = True
            elif item[0] == "title" and org is not None:
                used_titles.add(item[2])
                frame = ctx.title_words[item[1]]
                quals = (("former", "true"),) if former else ()
                implicit = any(i[0] == "org" and len(i) > 2 for i in chain)
                ctx.emit(out, [p], frame.property, [org], frame, sent, "kg.title.v1",
                           (item[2], item[2] + len(item[1])), quals, penalty=0.15 if implicit else 0.0)
    # ORG 任命 PERSON(、PERSON…) 為 (公司) TITLE
    anaphor_at = {u.end: u for u in sent.units if u.label == "ANAPHOR"}
    for s, e, w in titles:
        pron = anaphor_at.get(s)  # "聘任A、B為公司副總經理": the company's, as the text's topic
        at = pron.start if pron is not None else s
        mod = ctx.appointed_as.search(text[max(sent.start, at - 6):at]) if ctx.appointed_as is not None else None
        if s in used_titles or not mod:
            continue
        who = [u for u in persons if u.end == at - len(mod.group())]
        if not who:
            continue
        who = [u for u in ctx.group(sent, who[0], text) if u.label == "PERSON"] or who
        k = who[0].start
        if not any(text.endswith(a, sent.start, k) for a in ctx.appoint):
            continue
        orgs = [u for u in sent.units if u.label == "ORG" and u.end <= k]
        org = orgs[-1] if orgs else ctx.topic_org(sent, prev, k, text)
        if org is not None:
            used_titles.add(s)
            frame = ctx.title_words[w]
            ctx.emit(out, who, frame.property, [org], frame, sent, "kg.title.v1", (s, e))
    # PERSON 出任/接任/卸任/是 ORG (的) TITLE
    for s, e, w in titles:
        if s in used_titles:
            continue
        org = orgs_at_end.get(s) or (orgs_at_end.get(s - 1) if text[s - 1:s] == "的" else None)
        if org is None:
            pron = anaphors_at_end.get(s)
            k = pron.start if pron else s  # "出任該公司總裁", "去年已卸任CEO"
            org = ctx.topic_org(sent, prev, k, text)
            if org is None:
                continue
        else:
            k = org.start
        verb = next((v for v in sorted(ctx.succession | ctx.former | ctx.copula, key=len, reverse=True)
                     if text.endswith(v, sent.start, k)), None)
        if verb is None:
            continue
        who = [u for u in persons if u.end <= k - len(verb) and k - len(verb) - u.end <= 20]
        if not who:
            continue
        frame = ctx.title_words[w]
        quals = [("former", "true")] if verb in ctx.former else []
        m = None
        for m in DATE.finditer(text, sent.start, k):
            pass
        if m:
            date = m.group(1) + (f"-{int(m.group(2)):02d}" if m.group(2) else "")
            quals.append(("endDate" if verb in ctx.former else "startDate", date))
        ctx.emit(out, [who[-1]], frame.property, [org], frame, sent, "kg.title.v1", (s, e), quals)
        j = e  # "擔任集團總裁兼CTO": the titles joined to it
        while True:
            nxt = next(((ts2, te2, w2) for ts2, te2, w2 in titles if ts2 > j and text[j:ts2].strip() in ctx.coordinators), None)
            if nxt is None:
                break
            used_titles.add(nxt[0])
            frame2 = ctx.title_words[nxt[2]]
            ctx.emit(out, [who[-1]], frame2.property, [org], frame2, sent, "kg.title.v1", nxt[:2], quals)
            j = nxt[1]
