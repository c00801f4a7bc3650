//! `smtp-sink ADDRESS`: an SMTP server that accepts and counts messages without
//! keeping them, for benchmarks. Prints the running count once a second.

fn main() {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:2525".to_owned());
    let sink = kolokol_testkit::SmtpSink::listen(&address, false);
    println!("listening on {}", sink.address());
    let mut last = usize::MAX;
    loop {
        let count = sink.count();
        if count != last {
            println!("received {count}");
            last = count;
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}
