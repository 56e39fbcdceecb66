def calendar(r): pass
def complete(r, pk): pass
def settings_update(r): pass
