"""Flowchart shapes as Word draws them: anchored DrawingML ``wps:wsp`` shapes with preset geometries.

A symbol is ``flowChartProcess``, ``flowChartDecision``, ... anchored in its
role cell ("layout in table cell") and centred there, so that in Word or
LibreOffice it can be selected, moved, resized or restyled like a shape a
person drew; arrows are connector shapes (``straightConnector1``,
``bentConnector3``) with an arrow head, and "Ya"/"Tidak" are borderless text
boxes. Each drawing sits in ``mc:AlternateContent`` with a ``Requires="wps"``
choice, exactly as Word 2010 and later write shapes; the VML fallback Word adds
for Word 2007 is left out, as it would double the size of every drawing.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from lxml import etree

from sopbaku.render.flowplan import Shape

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
WPS_URI = NS["wps"]
EMU_PER_PT = 12700
LINE_EMU = 9525  # 0.75 pt, Word's default outline
CONNECTORS = frozenset({"straightConnector1", "bentConnector3"})
NAMES = {"flowChartProcess": "Flowchart: Process", "flowChartDecision": "Flowchart: Decision",
         "flowChartTerminator": "Flowchart: Terminator", "flowChartOffpageConnector": "Flowchart: Off-page Connector",
         "straightConnector1": "Straight Arrow Connector", "bentConnector3": "Elbow Connector", "rect": "Text Box"}
FONT = "Arial"


def emu(pt: float) -> int:
    return round(pt * EMU_PER_PT)


class DrawingWriter:
    """Numbers the document's drawings (``wp:docPr/@id`` must be unique) and stacks them in drawing order."""

    def __init__(self, first_id: int) -> None:
        self._count = first_id - 1

    def anchored(self, shape: Shape, x: float, y: float) -> etree._Element:
        """A ``w:r`` holding ``shape`` anchored in its cell's paragraph, at ``x`` from the cell's text area
        and ``y`` from the paragraph's top (points); a centred shape ignores ``x``."""
        self._count += 1
        sid = self._count
        b = shape.box
        horizontal = ("<wp:align>center</wp:align>" if shape.centred else f"<wp:posOffset>{emu(x)}</wp:posOffset>")
        xml = (f'<w:r xmlns:w="{NS["w"]}"><mc:AlternateContent xmlns:mc="{NS["mc"]}" xmlns:wps="{NS["wps"]}">'
               f'<mc:Choice Requires="wps"><w:drawing>'
               f'<wp:anchor xmlns:wp="{NS["wp"]}" distT="0" distB="0" distL="0" distR="0" simplePos="0" '
               f'relativeHeight="{251658240 + sid * 1024}" behindDoc="0" locked="0" layoutInCell="1" '
               f'allowOverlap="1"><wp:simplePos x="0" y="0"/>'
               f'<wp:positionH relativeFrom="column">{horizontal}</wp:positionH>'
               f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{emu(y)}</wp:posOffset></wp:positionV>'
               f'<wp:extent cx="{emu(b.w)}" cy="{emu(b.h)}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
               f'<wp:wrapNone/><wp:docPr id="{sid}" name="{NAMES[shape.prst]} {sid}"/><wp:cNvGraphicFramePr/>'
               f"{_graphic(shape)}</wp:anchor></w:drawing></mc:Choice></mc:AlternateContent></w:r>")
        return etree.fromstring(xml)


def _graphic(shape: Shape) -> str:
    b = shape.box
    attrs = "".join(a for a, on in ((' rot="5400000"', b.rot90), (' flipH="1"', b.flip_h),
                                    (' flipV="1"', b.flip_v)) if on)
    guide = f'<a:gd name="adj1" fmla="val {b.adj}"/>' if b.adj is not None else ""
    xfrm = f'<a:xfrm{attrs}><a:off x="0" y="0"/><a:ext cx="{emu(b.w)}" cy="{emu(b.h)}"/></a:xfrm>'
    geometry = f'<a:prstGeom prst="{shape.prst}"><a:avLst>{guide}</a:avLst></a:prstGeom>'
    black = '<a:solidFill><a:srgbClr val="000000"/></a:solidFill>'
    if shape.prst in CONNECTORS:
        nv, fill = "<wps:cNvCnPr/>", ""
        line = f'<a:ln w="{LINE_EMU}">{black}<a:tailEnd type="triangle"/></a:ln>'
    elif shape.prst == "rect":
        nv, fill, line = '<wps:cNvSpPr txBox="1"/>', "<a:noFill/>", "<a:ln><a:noFill/></a:ln>"
    else:
        nv, fill = "<wps:cNvSpPr/>", '<a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>'
        line = f'<a:ln w="{LINE_EMU}">{black}</a:ln>'
    text = f"<wps:txbx>{_text_box(shape.text)}</wps:txbx>" if shape.text else ""
    anchor = "t" if shape.prst == "rect" else "ctr"
    body = (f'<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" '
            f'anchor="{anchor}" anchorCtr="0"><a:noAutofit/></wps:bodyPr>')
    return (f'<a:graphic xmlns:a="{NS["a"]}"><a:graphicData uri="{WPS_URI}">'
            f'<wps:wsp xmlns:wps="{NS["wps"]}">{nv}<wps:spPr>{xfrm}{geometry}{fill}{line}</wps:spPr>{text}{body}'
            f"</wps:wsp></a:graphicData></a:graphic>")


def _text_box(text: str) -> str:
    """A label or connector letter: 7 pt, centred in a connector, no spacing."""
    return (f'<w:txbxContent><w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="200" w:lineRule="exact"/>'
            f'<w:jc w:val="{"left" if len(text) > 1 else "center"}"/></w:pPr>'
            f'<w:r><w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/><w:sz w:val="14"/></w:rPr>'
            f"<w:t>{escape(text)}</w:t></w:r></w:p></w:txbxContent>")
