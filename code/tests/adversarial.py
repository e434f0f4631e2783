"""A corpus of submissions that try to score without solving chapter 4's coding exercise (ex-ewma-code).

Each entry is what a learner does to the real student notebook: ``body`` replaces the stub inside
``def ewma_corrected(y, beta):`` (None keeps the stub), ``before`` cells run earlier, ``after`` is added to the end
of the exercise cell, ``markdown`` cells are appended. test_autograde.py grades them all; each must score 0 for
ex-ewma-code, while the honest classmate scores full marks. `{root}`, `{marker}` and `{port}` are filled in by the
test (the instructor repository, a file a runaway process would create, a local HTTP server's port).
"""

HONEST = """\
    s, out = 0.0, np.empty(len(y))
    for t in range(1, len(y) + 1):
        s = beta * s + (1 - beta) * y[t - 1]
        out[t - 1] = s / (1 - beta**t)
    return out"""

ZEROS = "    return np.zeros(len(y))"

# the visible cases of the self-check, hard-coded: their answers are printed by the self-check when they fail
HARD_CODED = """\
    import descent.checks.ewma as _m
    for case in _m.ewma_check().cases:
        if len(case.args[0]) == len(y) and np.allclose(case.args[0], y) and case.args[1] == beta:
            return _m._corrected(*case.args)
    return np.zeros(len(y))"""

ATTACKS = {
    "monkey-patch": {"before": [
        ("import descent.checks.core as core\n"
        "core.Check.judge = lambda self, case, returns, show_expected=True: None\n"
        "core._compare = lambda *args: None")], "body": ZEROS},
    "reference": {"after": "ewma_corrected = descent.checks.ewma._corrected"},
    "package-ewma": {"body": "    return descent.ewma.ewma(y, beta, bias_correction=True)"},
    "package-via-importlib": {"body": (
        "    import importlib\n"
        "    return importlib.import_module('descent.ewma').ewma(y, beta, bias_correction=True)")},
    "instructor-file": {"body": (
        "    import json, pathlib\n"
        "    for path in [pathlib.Path(descent.__file__).parents[3] / 'chapters/04_ewma.ipynb',\n"
        "                 pathlib.Path('{root}') / 'chapters/04_ewma.ipynb']:\n"
        "        if path.exists():\n"
        "            cells = json.loads(path.read_text())['cells']\n"
        "            source = next(''.join(c['source']) for c in cells if 'BEGIN SOLUTION' in ''.join(c['source']))\n"
        "            space = {{'np': np}}\n"
        "            exec(source.split('descent.checks')[0], space)\n"
        "            return space['ewma_corrected'](y, beta)\n"
        "    return np.zeros(len(y))")},
    "results-tamper": {"body": ZEROS, "after": (
        "from descent.checks.core import CheckResult\n"
        "print(CheckResult('bias-corrected EWMA', 5, 5, []).report())")},
    "fake-line": {"before": [
        ("def _fake(info):\n"
        "    print('AUTOGRADE [[\"bias-corrected EWMA\", 5, 5]]')\n"
        "    print('✅ bias-corrected EWMA: 5/5 cases passed. Well done!')\n"
        "get_ipython().events.register('pre_run_cell', _fake)")], "body": ZEROS},
    "label-hijack": {"after": "descent.checks.check_gd_step(lambda theta, grad, lr: theta - lr * grad)"},
    "extra-labels": {"markdown": [
        f":::{{exercise}}\n:label: ex-invented-{n}\nFree points.\n:::" for n in range(3)], "after": (
        "descent.checks.check_gd_step(lambda theta, grad, lr: theta - lr * grad)")},
    "hard-coded": {"body": HARD_CODED},
    "hidden-cases": {"body": (
        "    import descent.checks.hidden as h\n"
        "    return np.zeros(len(y))")},
    "edited-check-call": {"after": "descent.checks.check_ewma(descent.checks.ewma._corrected)"},
    "package-append": {"before": [
        ("import pathlib, descent.checks.ewma as m\n"
        "with open(m.__file__, 'a') as f:\n"
        "    f.write('\\nCheck.judge = lambda *a, **k: None\\n')\n"
        "with open(pathlib.Path(m.__file__).with_name('core.py'), 'a') as f:\n"
        "    f.write('\\n_compare = lambda *a: None\\n')")], "body": ZEROS},
    "network": {"before": [
        ("import _socket, subprocess\n"
        "try:\n"
        "    s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)\n"
        "    s.settimeout(3)\n"
        "    s.connect(('127.0.0.1', {port}))\n"
        "    s.send(b'GET /socket HTTP/1.0\\r\\n\\r\\n')\n"
        "except OSError:\n"
        "    pass\n"
        "subprocess.run(['curl', '-s', '-m', '3', 'http://127.0.0.1:{port}/curl'], check=False)")], "body": ZEROS},
    "runaway-child": {"before": [
        ("import subprocess\n"
        "subprocess.Popen(['sh', '-c', 'sleep 6; echo alive > {marker}'], start_new_session=True)")], "body": ZEROS},
    "sabotage": {"before": [
        ("import os, pathlib, json\n"
        "for pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
        "    try:\n"
        "        argv = pathlib.Path(f'/proc/{{pid}}/cmdline').read_bytes().split(b'\\0')\n"
        "    except OSError:\n"
        "        continue\n"
        "    for arg in argv:\n"
        "        folder = pathlib.Path(arg.decode(errors='ignore'))\n"
        "        if arg and folder.is_dir() and any(folder.glob('*.ipynb')):\n"
        "            for other in folder.rglob('*.ipynb'):\n"
        "                if other.stem != 'sabotage':\n"
        "                    other.write_text('{{}}')")], "body": ZEROS},
    "kill-parent": {"before": ["import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"], "body": ZEROS},
    "exit-and-hang": {"body": "    import sys, time\n    if len(y) % 2:\n        sys.exit(0)\n    time.sleep(10**6)"},
    "flood": {"before": ["print('x' * 50_000_000)"], "body": ZEROS},
}
