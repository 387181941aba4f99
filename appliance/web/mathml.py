"""LaTeX to MathML with latex2mathml, as a node tree the browser builds element by element."""

from xml.etree.ElementTree import Element, ParseError, fromstring

from latex2mathml.converter import convert

MATHML = "{http://www.w3.org/1998/Math/MathML}"


def math_nodes(latex: str, display: bool) -> list:
    """`["math", {...}, ...]` for a formula; the formula as code when it is not LaTeX the converter knows."""
    try:
        root = fromstring(convert(latex, display="block" if display else "inline"))
    except (ParseError, ValueError, KeyError, IndexError, TypeError, AttributeError, NotImplementedError):
        return ["code", {}, latex]
    return _node(root)


def _node(element: Element) -> list:
    tag = element.tag.removeprefix(MATHML)
    children: list = [element.text] if element.text else []
    for child in element:
        children.append(_node(child))
        if child.tail:
            children.append(child.tail)
    return [tag, dict(element.attrib), *children]
