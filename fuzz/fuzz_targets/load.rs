//! Any bytes → loader → model → rendered diagnostics: must never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(url) = tern_spec::Url::parse("memory:///fuzz.yaml") else {
        return;
    };
    match tern_spec::load_bytes(url, data.to_vec()) {
        Ok(loaded) => {
            let (model, diagnostics) = tern_model::build(&loaded.spec);
            for d in loaded.diagnostics.iter().chain(&diagnostics) {
                std::hint::black_box(loaded.spec.render(d));
            }
            for scheme in [
                tern_model::NamingScheme::Rest,
                tern_model::NamingScheme::OperationId,
            ] {
                std::hint::black_box(model.resources(scheme));
            }
        }
        Err(e) => {
            std::hint::black_box(e.to_string());
        }
    }
});
