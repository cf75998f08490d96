"""The colours every chart shares (the report's matplotlib charts, the deck, the workshop's live SVG), without
matplotlib: the workshop page's kernel draws its charts as SVG text and need not import it."""

# Okabe & Ito (2008): distinguishable with the common forms of colour blindness.
BLUE, ORANGE, GREEN, VERMILION, SKY, YELLOW, PURPLE, GREY = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#F0E442", "#CC79A7", "#999999")
LAYER_COLOURS = {"roots": BLUE, "trunk": GREEN, "crown": ORANGE}
ROLE_COLOURS = [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILION]
LEVEL_COLOURS = ["#F7FBFF", "#C6DBEF", "#6BAED6", "#2171B5", "#08306B"]  # level 1 (lightest) to 5
