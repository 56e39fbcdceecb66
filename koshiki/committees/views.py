def meetings(r): pass
def meeting(r, pk): pass
def attendance(r, pk): pass
def vote(r, pk, account_pk): pass
def decide(r, pk, account_pk): pass
def close(r, pk): pass
def minutes_docx(r, pk): pass
