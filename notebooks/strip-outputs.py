#!/usr/bin/env python3
"""Strips outputs and execution counts from the notebooks (run before committing a notebook you executed)."""
import glob, json, os

os.chdir(os.path.dirname(os.path.abspath(__file__)))
for f in sorted(glob.glob('*.ipynb')):
    nb = json.load(open(f))
    for c in nb['cells']:
        if c['cell_type'] == 'code':
            c['outputs'] = []
            c['execution_count'] = None
    with open(f, 'w') as fh:
        json.dump(nb, fh, indent=1, ensure_ascii=False)
        fh.write('\n')
    print('stripped', f)
