#!/usr/bin/env python3
"""Writes demo/scans/2d/aal-regions-readable.tsv: the AAL labels of aal-regions.txt with the names a clinician reads
("left middle temporal gyrus" for Temporal_Mid_L), tab-separated so names may hold spaces. Plain-language summaries
name regions from it (explain --atlas-names)."""
import pathlib
import sys

# The structure each AAL stem names (Tzourio-Mazoyer et al. 2002, table 2), without its side.
STRUCTURES = {
    "Precentral": "precentral gyrus", "Frontal_Sup": "superior frontal gyrus (dorsolateral)",
    "Frontal_Sup_Orb": "superior frontal gyrus (orbital part)", "Frontal_Mid": "middle frontal gyrus",
    "Frontal_Mid_Orb": "middle frontal gyrus (orbital part)", "Frontal_Inf_Oper": "inferior frontal gyrus (opercular part)",
    "Frontal_Inf_Tri": "inferior frontal gyrus (triangular part)", "Frontal_Inf_Orb": "inferior frontal gyrus (orbital part)",
    "Rolandic_Oper": "Rolandic operculum", "Supp_Motor_Area": "supplementary motor area", "Olfactory": "olfactory cortex",
    "Frontal_Sup_Medial": "superior frontal gyrus (medial)", "Frontal_Med_Orb": "superior frontal gyrus (medial orbital)",
    "Rectus": "gyrus rectus", "Insula": "insula", "Cingulum_Ant": "anterior cingulate gyrus",
    "Cingulum_Mid": "middle cingulate gyrus", "Cingulum_Post": "posterior cingulate gyrus", "Hippocampus": "hippocampus",
    "ParaHippocampal": "parahippocampal gyrus", "Amygdala": "amygdala", "Calcarine": "calcarine cortex", "Cuneus": "cuneus",
    "Lingual": "lingual gyrus", "Occipital_Sup": "superior occipital gyrus", "Occipital_Mid": "middle occipital gyrus",
    "Occipital_Inf": "inferior occipital gyrus", "Fusiform": "fusiform gyrus", "Postcentral": "postcentral gyrus",
    "Parietal_Sup": "superior parietal gyrus", "Parietal_Inf": "inferior parietal lobule",
    "SupraMarginal": "supramarginal gyrus", "Angular": "angular gyrus", "Precuneus": "precuneus",
    "Paracentral_Lobule": "paracentral lobule", "Caudate": "caudate nucleus", "Putamen": "putamen", "Pallidum": "pallidum",
    "Thalamus": "thalamus", "Heschl": "Heschl's gyrus", "Temporal_Sup": "superior temporal gyrus",
    "Temporal_Pole_Sup": "temporal pole (superior temporal gyrus)", "Temporal_Mid": "middle temporal gyrus",
    "Temporal_Pole_Mid": "temporal pole (middle temporal gyrus)", "Temporal_Inf": "inferior temporal gyrus",
}
SIDES = {"L": "left", "R": "right"}


def readable(name):
    stem, _, side = name.rpartition("_")
    if side in SIDES and stem in STRUCTURES:
        return f"{SIDES[side]} {STRUCTURES[stem]}"
    if name.startswith("Cerebelum_"):  # Cerebelum_Crus1_L, Cerebelum_4_5_R
        parts = name.split("_")[1:]
        part = parts[0].replace("Crus", "crus ") if parts[0].startswith("Crus") else "lobule " + "/".join(parts[:-1])
        return f"{SIDES[parts[-1]]} cerebellum ({part})"
    if name.startswith("Vermis_"):
        return "cerebellar vermis (lobule " + "/".join(name.split("_")[1:]) + ")"
    raise SystemExit(f"no readable name for AAL region {name}")


def main(root):
    source = root / "demo/scans/2d/aal-regions.txt"
    lines = ["# AAL atlas labels with readable names (label<TAB>name), from aal-regions.txt by tools/demo_data/aal_readable_names.py"]
    for line in source.read_text().splitlines():
        parts = line.split()
        if parts and parts[0].isdigit():
            lines.append(f"{parts[0]}\t{readable(parts[1])}")
    (root / "demo/scans/2d/aal-regions-readable.tsv").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2]))
