//! Registry values a person gets wrong that parse: a bandwidth with zeros too many, a
//! capacity with no unit or in bits, a longitude that lost its sign, a URL that names a
//! page. Each is a problem at its line in `mirrors.yaml`, with the fix.

use super::bad_input::{Case, registry_with};

pub(super) const CASES: &[Case] = &[
    Case {
        // One mirror became the whole network: its region's every download.
        name: "a bandwidth with zeros too many",
        setup: |f| registry_with("bandwidth: 10000\n", "bandwidth: 100000000000\n")(f),
        code: 1,
        expect: &["mirrors.yaml:22:5: mirror \"eu-one\", field `bandwidth`", "more than any mirror's link", "`1000`"],
    },
    Case {
        name: "a capacity with no unit",
        setup: |f| registry_with("    bandwidth: 1000\n", "    bandwidth: 1000\n    capacity: 8000\n")(f),
        code: 1,
        expect: &["mirror \"as-two\", field `capacity`", "\"8000\" has no unit of bytes", "such as `8TB`"],
    },
    Case {
        name: "a capacity in bits",
        setup: |f| registry_with("    bandwidth: 1000\n", "    bandwidth: 1000\n    capacity: 8Tb\n")(f),
        code: 1,
        expect: &["mirror \"as-two\", field `capacity`", "\"8Tb\" has no unit of bytes"],
    },
    Case {
        name: "a longitude that lost its sign",
        setup: |f| registry_with("lon: 139.7", "lon: -139.7")(f),
        code: 1,
        expect: &[
            "mirrors.yaml:31:5: mirror \"as-two\", field `lon`",
            "lat 35.7, lon -139.7 is not in Asia (AS)",
            "`lat: 35.7`, `lon: 139.7` is in Asia",
        ],
    },
    Case {
        name: "a mirror URL that names a page",
        setup: |f| {
            registry_with("https: https://one.example.net/pub/", "https: https://one.example.net/pub/index.html")(f)
        },
        code: 1,
        expect: &["mirror \"eu-one\", field `urls.https`", "names a page (index.html)"],
    },
    Case {
        // It became a word of every downstream mirror's cron line, unquoted: a shell on
        // their hosts ran it.
        name: "an rsync URL with a shell's characters",
        setup: |f| {
            registry_with("rsync: rsync://one.example.net/pub/", "rsync: rsync://one.example.net/pub;touch$IFS$PWD/x;/")(
                f,
            )
        },
        code: 1,
        expect: &["mirror \"eu-one\", field `urls.rsync`", "holds `;`, a character a shell would read"],
    },
];
