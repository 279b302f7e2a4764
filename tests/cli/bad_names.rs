//! File names closer cannot publish: too long for the site's files beside them, or
//! holding characters that make a page show another name. Each is a problem naming the
//! file, with the fix, and stops nothing but its project.

use super::bad_input::Case;

pub(super) const CASES: &[Case] = &[
    Case {
        // `check` passed it and every `build` failed with "File name too long".
        name: "a file name too long for the site's files beside it",
        setup: |f| f.write(&format!("dist/alpha/1.10/alpha-1.10-{}.tar.gz", "a".repeat(230)), "x\n"),
        code: 1,
        expect: &["has a name too long to publish", "at most 247 bytes"],
    },
    Case {
        // `x\u{202E}zg.rat.exe` reads as `x…exe.tar.gz` on a page.
        name: "a file name with a right-to-left override",
        setup: |f| f.write("dist/alpha/1.10/alpha-1.10-\u{202E}zg.rat.exe", "x\n"),
        code: 1,
        expect: &["\\u{202e}", "turn text around or hide", "rename it without them"],
    },
];
