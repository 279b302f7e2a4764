//! Desktop applications' and games' trees from the thirty-sixth trial: FreeCAD's weekly
//! builds and per-file `X-SHA256.txt`, SourceForge's Hugin series folders, KiCad's debug
//! symbols beside its installer, OpenTTD's `released.txt`, Ardour's `.run` installers,
//! Stellarium's qt5 builds beside qt6; installers named for another product than the
//! sources (GRASS GIS, SageMath, QGIS).

use crate::publishers_downloads::{offered, releases};
use crate::release_words_more::unsigned;
use crate::util::Fixture;

/// FreeCAD's `weekly-2025.01.14/` builds were final releases, the download, and `keep`
/// archived 1.0.0; its `X-SHA256.txt` files were downloads of their own, a wrong digest
/// in one unseen.
#[test]
fn weekly_builds_are_pre_releases_and_dash_sha256_txt_files_are_checked() {
    let f = Fixture::new();
    unsigned(&f, "freecad");
    f.write("content/freecad.md", "---\nunsigned: \"checksums only, in this test\"\nkeep: 1\n---\n");
    for w in ["2025.01.07", "2025.01.14"] {
        f.write(&format!("dist/freecad/weekly-{w}/freecad_source_weekly-{w}.tar.gz"), w);
    }
    let src = "dist/freecad/1.0.0/freecad_source_1.0.0.tar.gz";
    f.write(src, "1.0.0");
    let sum = crate::util::sha256_hex(b"1.0.0");
    f.write(&format!("{src}-SHA256.txt"), &format!("{sum}  freecad_source_1.0.0.tar.gz\n"));
    f.closer(&["build"]).ok();
    assert_eq!(offered(&f, "freecad"), "freecad/1.0.0/freecad_source_1.0.0.tar.gz");
    f.write(&format!("{src}-SHA256.txt"), &format!("{}  freecad_source_1.0.0.tar.gz\n", "0".repeat(64)));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("freecad_source_1.0.0.tar.gz-SHA256.txt"), "{}", run.stderr);
}

/// SourceForge's `hugin/hugin-2023.0/` (one release, read as a line `hugin`) beside
/// `hugin-2024.0/`: the line named for the project was offered, 2023.0.
#[test]
fn series_folders_of_the_projects_product_offer_the_newest() {
    let f = Fixture::new();
    unsigned(&f, "hugin");
    for rel in [
        "hugin-2023.0/hugin-2023.0.0.tar.bz2",
        "hugin-2024.0/hugin-2024.0.0.tar.bz2",
        "hugin-2024.0/hugin-2024.0.1.tar.bz2",
    ] {
        f.write(&format!("dist/hugin/hugin/{rel}"), rel);
    }
    f.closer(&["build"]).ok();
    assert_eq!(offered(&f, "hugin"), "hugin/hugin/hugin-2024.0/hugin-2024.0.1.tar.bz2");
}

/// KiCad's debug symbols (`-pdbs.exe`) were the Windows button; Stellarium's qt5 builds
/// came before its qt6 ones; Ardour's `.run` installers were for no system; OpenTTD's
/// `released.txt` was an artifact to sign.
#[test]
fn symbols_old_toolkits_run_installers_and_release_dates() {
    let f = Fixture::new();
    for p in ["kicad", "stellarium", "ardour", "openttd"] {
        unsigned(&f, p);
    }
    for n in ["kicad-8.0.7-x86_64-pdbs.exe", "kicad-8.0.7-x86_64.exe"] {
        f.write(&format!("dist/kicad/windows/stable/{n}"), n);
    }
    for n in ["stellarium-24.4-qt5-win64.exe", "stellarium-24.4-qt6-win64.exe"] {
        f.write(&format!("dist/stellarium/v24.4/{n}"), n);
    }
    for n in ["Ardour-8.10.0-x86_64.run", "Ardour-8.10.0-w64.exe"] {
        f.write(&format!("dist/ardour/{n}"), n);
    }
    for n in ["openttd-14.1-source.tar.xz", "released.txt"] {
        f.write(&format!("dist/openttd/14.1/{n}"), n);
    }
    f.closer(&["build"]).ok();
    assert_eq!(offered(&f, "kicad"), "kicad/windows/stable/kicad-8.0.7-x86_64.exe");
    assert_eq!(offered(&f, "stellarium"), "stellarium/v24.4/stellarium-24.4-qt6-win64.exe");
    let page = f.read("site/ardour/index.html");
    assert!(page.contains("Download for Linux x86-64"), "{page}");
    assert_eq!(offered(&f, "openttd"), "openttd/14.1/openttd-14.1-source.tar.xz");
}

/// Maxima on SourceForge: `Maxima-source/5.47.0-source/`, `Maxima-Windows-Installer/
/// 5.47.0-Windows/`, `Maxima-Linux/5.47.0-Linux/`. Each folder was a release
/// "5.47.0-source" of "a copied directory?", holding the project back, in three lines.
#[test]
fn sourceforge_folders_by_kind_of_a_version_are_one_release() {
    let f = Fixture::new();
    unsigned(&f, "maxima");
    for v in ["5.46.0", "5.47.0"] {
        f.write(&format!("dist/maxima/Maxima-source/{v}-source/maxima-{v}.tar.gz"), v);
        f.write(&format!("dist/maxima/Maxima-Windows-Installer/{v}-Windows/maxima-{v}-win64.exe"), v);
        f.write(&format!("dist/maxima/Maxima-Linux/{v}-Linux/maxima-common-{v}-1.noarch.rpm"), v);
    }
    f.closer(&["build"]).ok();
    assert_eq!(offered(&f, "maxima"), "maxima/Maxima-source/5.47.0-source/maxima-5.47.0.tar.gz");
    let files = crate::util::release_files(&f, "maxima");
    assert_eq!(files.len(), 3, "{files:?}");
}

/// Builds named for another product than the sources, in system folders or beside them:
/// GRASS GIS's `binary/mswindows/native/WinGRASS-8.4.0-1-Setup.exe`, SageMath's
/// `osx/intel/SageMath-10.5-x86_64.dmg`, QGIS's `QGIS-OSGeo4W-3.40.2-1.msi` and
/// `macos/qgis_pr_final-3_40_2_….dmg`. Each was a line of its own (`native`, `intel`,
/// `wingrass`, `3_40_2`), its release had no installer, and every visitor was offered
/// the sources. They join the sources' release of their version.
#[test]
fn installers_named_for_another_product_join_the_sources_release() {
    let f = Fixture::new();
    for p in ["grass", "sage", "qgis"] {
        unsigned(&f, p);
    }
    for (s, v) in [("83", "8.3.2"), ("84", "8.4.0")] {
        f.write(&format!("dist/grass/grass{s}/source/grass-{v}.tar.gz"), v);
        f.write(&format!("dist/grass/grass{s}/binary/mswindows/native/WinGRASS-{v}-1-Setup.exe"), v);
    }
    for v in ["10.4", "10.5"] {
        f.write(&format!("dist/sage/src/sage-{v}.tar.gz"), v);
    }
    f.write("dist/sage/osx/intel/SageMath-10.5-x86_64.dmg", "intel");
    f.write("dist/sage/osx/arm64/SageMath-10.5-arm64.dmg", "arm");
    f.write("dist/qgis/qgis-3.40.2.tar.bz2", "src");
    f.write("dist/qgis/QGIS-OSGeo4W-3.40.2-1.msi", "msi");
    f.write("dist/qgis/macos/qgis_pr_final-3_40_2_20241220_120513.dmg", "dmg");
    f.closer(&["build"]).ok();
    let one_line = |p: &str| releases(&f, p).iter().map(|r| r.1.clone()).collect::<Vec<_>>();
    assert_eq!(one_line("grass"), ["8.4.0", "8.3.2"]);
    assert_eq!(one_line("sage"), ["10.5", "10.4"]);
    assert_eq!(one_line("qgis"), ["3.40.2"]);
    let grass = f.read("site/grass/index.html");
    assert!(grass.contains("WinGRASS-8.4.0-1-Setup.exe") && grass.contains("grass-8.4.0.tar.gz"), "{grass}");
    let sage = f.read("site/sage/index.html");
    assert!(sage.contains("SageMath-10.5-arm64.dmg") && sage.contains("SageMath-10.5-x86_64.dmg"), "{sage}");
    let qgis = f.read("site/qgis/index.html");
    assert!(qgis.contains("QGIS-OSGeo4W-3.40.2-1.msi") && qgis.contains("qgis_pr_final-3_40_2"), "{qgis}");
    // Sources stay what is offered to no system in particular.
    assert_eq!(offered(&f, "grass"), "grass/grass84/source/grass-8.4.0.tar.gz");
}
