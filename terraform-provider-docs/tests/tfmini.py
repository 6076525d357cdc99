"""Just enough HCL to run the commands of our .tf files the way Terraform would, without Terraform.

It understands the subset our examples are written in: blocks (`data "external" "x" { ... }`),
attributes whose value is a string, a reference (`var.x`, `local.x`, `each.value`), `tostring()`,
`jsonencode()`, a one-line list, an object of `key = value` lines, or a heredoc (`<<-EOT`).
Anything else raises, so an example cannot drift into something the tests do not run.
"""

import json
import re

HEREDOC = re.compile(r'<<(-?)([A-Z]+)\s*$')


def _skip_string(text, i):
    """text[i] is '"'; returns the index after the closing quote."""
    i += 1
    while text[i] != '"':
        i += 2 if text[i] == '\\' else 1
    return i + 1


def _matching(text, i, open_ch='{', close_ch='}'):
    """text[i] is open_ch; returns the index of its matching close_ch, skipping strings and heredocs."""
    depth = 0
    while i < len(text):
        c = text[i]
        if c == '"':
            i = _skip_string(text, i)
            continue
        if c == '#' or text.startswith('//', i):
            i = text.index('\n', i)
            continue
        if text.startswith('<<', i):
            m = HEREDOC.match(text[i:text.index('\n', i)])
            if m:
                end = re.compile(r'^[ \t]*' + m.group(2) + r'[ \t]*$', re.M).search(text, text.index('\n', i) + 1)
                i = end.end()
                continue
        if c == open_ch:
            depth += 1
        elif c == close_ch:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError('unbalanced %s%s' % (open_ch, close_ch))


def blocks(text, kind, *labels):
    """Bodies of the blocks `kind "label1" "label2" {`; a label of None matches any label.
    Returns [(labels, body)]."""
    out = []
    pattern = re.compile(r'^[ \t]*' + re.escape(kind) + r'((?:[ \t]+"[^"]*")*)[ \t]*\{', re.M)
    for m in pattern.finditer(text):
        found = re.findall(r'"([^"]*)"', m.group(1))
        if len(found) != len(labels) or any(w is not None and w != f for w, f in zip(labels, found)):
            continue
        start = m.end() - 1
        end = _matching(text, start)
        out.append((found, text[start + 1:end]))
    return out


def _strip_heredoc(lines):
    """`<<-` removes the smallest common indentation of the lines."""
    indents = [len(x) - len(x.lstrip()) for x in lines if x.strip()]
    cut = min(indents) if indents else 0
    return ''.join(x[cut:] + '\n' for x in lines)


def attributes(body):
    """The attributes at the top level of a block body: {name: raw expression text}.
    Nested blocks are skipped. A heredoc is returned as ('heredoc', text)."""
    attrs = {}
    i = 0
    while i < len(body):
        line_end = body.find('\n', i)
        if line_end < 0:
            line_end = len(body)
        line = body[i:line_end]
        stripped = line.strip()
        m = re.match(r'^\s*([A-Za-z_][\w-]*)\s*=\s*(.*)$', line)
        if not stripped or stripped.startswith('#') or stripped.startswith('//'):
            i = line_end + 1
            continue
        if m is None:
            # a nested block: skip it whole
            brace = body.find('{', i)
            if brace < 0 or brace > line_end:
                raise ValueError('cannot read line: %r' % line)
            i = body.find('\n', _matching(body, brace)) + 1 or len(body)
            continue
        name, rest = m.group(1), m.group(2)
        hd = HEREDOC.match(rest)
        if hd:
            end = re.compile(r'^[ \t]*' + hd.group(2) + r'[ \t]*$', re.M).search(body, line_end + 1)
            lines = body[line_end + 1:end.start()].split('\n')
            if lines and lines[-1] == '':
                lines.pop()
            attrs[name] = ('heredoc', _strip_heredoc(lines) if hd.group(1) else ''.join(x + '\n' for x in lines))
            i = end.end() + 1
            continue
        if rest.startswith('{') or rest.startswith('['):
            open_ch, close_ch = ('{', '}') if rest[0] == '{' else ('[', ']')
            start = i + line.index(rest)
            end = _matching(body, start, open_ch, close_ch)
            attrs[name] = body[start:end + 1]
            i = body.find('\n', end)
            i = len(body) if i < 0 else i + 1
            continue
        attrs[name] = rest.strip()
        i = line_end + 1
    return attrs


def _split_top(text, sep):
    """Splits on sep outside strings, brackets and parentheses."""
    parts, depth, cur, i = [], 0, '', 0
    while i < len(text):
        c = text[i]
        if c == '"':
            j = _skip_string(text, i)
            cur += text[i:j]
            i = j
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
        if c == sep and depth == 0:
            parts.append(cur)
            cur = ''
        else:
            cur += c
        i += 1
    if cur.strip():
        parts.append(cur)
    return parts


def _interpolate(template, scope):
    out, i = '', 0
    while i < len(template):
        if template.startswith('$${', i):
            out += '${'
            i += 3
        elif template.startswith('%{', i) and not template.startswith('%%{', i):
            raise ValueError('template directives are not supported: %r' % template)
        elif template.startswith('${', i):
            end = _matching(template, i + 1)
            value = evaluate(template[i + 2:end], scope)
            out += tostring(value)
            i = end + 1
        else:
            out += template[i]
            i += 1
    return out


def tostring(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float, str)):
        return str(value)
    raise ValueError('tostring() of %r' % (value,))


def jsonencode(value):
    return json.dumps(value, sort_keys=True, separators=(',', ':'))


def evaluate(expr, scope):
    """Evaluates an expression of the supported subset; scope maps references to values."""
    if isinstance(expr, tuple) and expr[0] == 'heredoc':
        return _interpolate(expr[1], scope)
    expr = expr.strip()
    if expr.startswith('"') and expr.endswith('"') and _skip_string(expr, 0) == len(expr):
        raw = expr[1:-1]
        raw = re.sub(r'\\(["\\nt])', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), raw)
        return _interpolate(raw, scope)
    if expr in ('true', 'false'):
        return expr == 'true'
    if expr.startswith('['):
        return [evaluate(x, scope) for x in _split_top(expr[1:-1], ',') if x.strip()]
    if expr.startswith('{'):
        return object_of(expr, scope)
    m = re.fullmatch(r'(tostring|jsonencode)\((.*)\)', expr, re.S)
    if m:
        value = evaluate(m.group(2), scope)
        return tostring(value) if m.group(1) == 'tostring' else jsonencode(value)
    if expr in scope:
        return scope[expr]
    raise KeyError('expression %r is not in the test scope' % expr)


def object_of(expr, scope):
    """{ key = value ... } (one per line, or comma-separated) as a dict."""
    inner = expr.strip()[1:-1]
    result = {}
    for line in _split_top(inner.replace('\n', ','), ','):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        key, value = re.match(r'^"?([\w-]+)"?\s*=\s*(.*)$', line, re.S).groups()
        result[key] = evaluate(value, scope)
    return result


def locals_of(text, scope):
    """All `locals { name = expr }` of a file, evaluated, as {'local.name': value}."""
    out = {}
    for _, body in blocks(text, 'locals'):
        for name, expr in attributes(body).items():
            out['local.' + name] = evaluate(expr, scope)
    return out
