//! Request bodies encoded as their media types say (fixture `request-bodies.yaml`): the exact
//! bytes of form-urlencoded, multipart, text and binary bodies, and multipart bodies read back by
//! an independent parser.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codegen_tests::fixtures::request_bodies::{operations, types};

fn content_type(request: &http::Request<codegen_tests::runtime::Body>) -> &str {
    request.headers()[http::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
}

#[test]
fn form_bodies_are_urlencoded_pairs_in_document_order_with_their_encoding_styles() {
    let mut body = types::RequestTokenRequestBody::new("client credentials");
    body.scope = Some("read & write".to_owned());
    body.audience = Some(vec!["a|b".to_owned(), "c".to_owned()]);
    body.claims = Some([("role".to_owned(), "admin".to_owned())].into());
    body.ttl = Some(3600);
    body.remember = Some(false);
    let request = operations::RequestToken::new(body).build().unwrap();
    assert_eq!(content_type(&request), "application/x-www-form-urlencoded");
    assert_eq!(
        String::from_utf8(request.body().to_vec()).unwrap(),
        "grant_type=client+credentials&scope=read+%26+write&audience=a%7Cb%7Cc\
         &claims%5Brole%5D=admin&ttl=3600&remember=false"
    );

    // Absent fields are left out; a list without an encoding entry is exploded.
    let request = operations::RequestToken::new(types::RequestTokenRequestBody::new("x"))
        .build()
        .unwrap();
    assert_eq!(request.body().as_bytes(), b"grant_type=x");
}

fn report() -> types::SendReportRequestBody {
    let mut body = types::SendReportRequestBody::new(vec![0x89, b'P', b'N', b'G', 0xff], "Q3");
    body.pages = Some(vec![vec![1, 2].into(), vec![3].into()]);
    body.tags = Some(vec!["a".to_owned(), "b \"quoted\"".to_owned()]);
    let mut metadata = types::SendReportRequestBodyMetadata::new();
    metadata.author = Some("Ada".to_owned());
    metadata.year = Some(1843);
    body.metadata = Some(metadata);
    body.priority = Some(2);
    body
}

#[test]
fn multipart_bodies_have_a_part_per_field_and_files_as_their_bytes() {
    let request = operations::SendReport::new(report()).build().unwrap();
    let content_type = content_type(&request).to_owned();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a multipart content type with its boundary");
    let part = |disposition: &str, media: &str, content: &[u8]| {
        let mut bytes = format!(
            "--{boundary}\r\ncontent-type: {media}\r\ncontent-disposition: form-data; {disposition}\r\n\r\n"
        )
        .into_bytes();
        bytes.extend_from_slice(content);
        bytes.extend_from_slice(b"\r\n");
        bytes
    };
    let mut expected = Vec::new();
    expected.extend(part("name=\"title\"", "text/plain", b"Q3"));
    expected.extend(part(
        "name=\"attachment\"; filename=\"attachment\"",
        "image/png",
        &[0x89, b'P', b'N', b'G', 0xff],
    ));
    for page in [&[1u8, 2][..], &[3]] {
        expected.extend(part(
            "name=\"pages\"; filename=\"pages\"",
            "application/octet-stream",
            page,
        ));
    }
    expected.extend(part("name=\"tags\"", "text/plain", b"a"));
    expected.extend(part("name=\"tags\"", "text/plain", b"b \"quoted\""));
    expected.extend(part(
        "name=\"metadata\"",
        "text/plain",
        br#"{"author":"Ada","year":1843}"#,
    ));
    expected.extend(part("name=\"priority\"", "text/plain", b"2"));
    expected.extend(format!("--{boundary}--\r\n").into_bytes());
    assert_eq!(
        String::from_utf8_lossy(request.body()),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(request.body(), &expected);
}

#[test]
fn multipart_bodies_read_back_by_an_independent_parser() {
    let request = operations::SendReport::new(report()).build().unwrap();
    let boundary = multer::parse_boundary(content_type(&request)).unwrap();
    let body = bytes::Bytes::from(request.body().to_vec());
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let parts = runtime.block_on(async {
        let mut multipart = multer::Multipart::new(stream, boundary);
        let mut parts = Vec::new();
        while let Some(field) = multipart.next_field().await.unwrap() {
            let name = field.name().unwrap_or_default().to_owned();
            let file = field.file_name().map(str::to_owned);
            let media = field.content_type().map(ToString::to_string);
            let bytes = field.bytes().await.unwrap().to_vec();
            parts.push((name, file, media, bytes));
        }
        parts
    });
    let names: Vec<&str> = parts.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "title",
            "attachment",
            "pages",
            "pages",
            "tags",
            "tags",
            "metadata",
            "priority"
        ]
    );
    assert_eq!(parts[1].1.as_deref(), Some("attachment"));
    assert_eq!(parts[1].2.as_deref(), Some("image/png"));
    assert_eq!(parts[1].3, [0x89, b'P', b'N', b'G', 0xff]);
    assert_eq!(parts[5].3, b"b \"quoted\"");
    let metadata: serde_json::Value = serde_json::from_slice(&parts[6].3).unwrap();
    assert_eq!(metadata, serde_json::json!({"author": "Ada", "year": 1843}));
}

#[test]
fn binary_bodies_are_sent_as_their_bytes() {
    let bytes = vec![0u8, 159, 146, 150, 255];
    let request = operations::UploadChunk::new("c/1", bytes.clone())
        .build()
        .unwrap();
    assert_eq!(request.uri(), "/chunks/c%2F1");
    assert_eq!(content_type(&request), "application/octet-stream");
    assert_eq!(request.body(), &bytes);

    // A body of an image media type whose schema gives no type is bytes too.
    let request = operations::SetAvatar::new(&b"\xff\xd8\xff"[..])
        .build()
        .unwrap();
    assert_eq!(content_type(&request), "image/jpeg");
    assert_eq!(request.body().as_bytes(), b"\xff\xd8\xff");
}

#[test]
fn text_bodies_are_the_text_itself_and_text_json_is_json() {
    let request = operations::SetName::new("Zoë \"Z\"").build().unwrap();
    assert_eq!(content_type(&request), "text/plain");
    assert_eq!(request.body().as_bytes(), "Zoë \"Z\"".as_bytes());

    let request =
        operations::SubmitMetrics::new(types::SubmitMetricsRequestBody::new(vec![1.5, 2.0]))
            .build()
            .unwrap();
    assert_eq!(content_type(&request), "text/json");
    assert_eq!(request.body().as_bytes(), br#"{"series":[1.5,2.0]}"#);
}
