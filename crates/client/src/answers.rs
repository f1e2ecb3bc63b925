//! What the client decodes of the answers it reads only in part.
//!
//! A start's answer carries the run id the client keeps and a link (namespace, workflow id,
//! run id, event reference) it does not; a signal's answer carries only such a link. Decoding
//! them as the generated messages costs each call the link's strings (four allocations and a
//! few thousand instructions, bench/notes/transport-experiment.md); these messages name only
//! the fields the client reads, under the same tags as the API's, and prost skips the rest
//! without building them.

/// A start's answer (`StartWorkflowExecutionResponse`, `SignalWithStartWorkflowExecutionResponse`)
/// as the client reads it: the run the call started, or found running.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct RunStarted {
    /// Tag 1 in both answers.
    #[prost(string, tag = "1")]
    pub(crate) run_id: String,
}

/// An answer the client does not read (`SignalWorkflowExecutionResponse`): every field skipped.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct Acknowledged {}

#[cfg(test)]
mod tests {
    use prost::Message as _;
    use temporal_proto::api::common::v1::{Link, link};
    use temporal_proto::api::workflowservice::v1::{
        SignalWithStartWorkflowExecutionResponse, SignalWorkflowExecutionResponse,
        StartWorkflowExecutionResponse,
    };

    use super::*;

    fn link() -> Link {
        Link {
            variant: Some(link::Variant::WorkflowEvent(link::WorkflowEvent {
                namespace: "default".to_owned(),
                workflow_id: "order-1234".to_owned(),
                run_id: "0195d3b0-run".to_owned(),
                reference: Some(link::workflow_event::Reference::RequestIdRef(
                    link::workflow_event::RequestIdReference {
                        request_id: "request-1".to_owned(),
                        ..Default::default()
                    },
                )),
            })),
        }
    }

    #[test]
    fn a_start_answer_gives_its_run_id_whatever_else_it_carries() {
        let answer = StartWorkflowExecutionResponse {
            run_id: "0195d3b0-run".to_owned(),
            first_execution_run_id: "0195d3b0-first".to_owned(),
            started: true,
            status: 1,
            link: Some(link()),
            ..Default::default()
        };
        let read = RunStarted::decode(answer.encode_to_vec().as_slice()).expect("decodes");
        assert_eq!(read.run_id, answer.run_id);
    }

    #[test]
    fn a_signal_with_start_answer_gives_its_run_id_whatever_else_it_carries() {
        let answer = SignalWithStartWorkflowExecutionResponse {
            run_id: "0195d3b0-run".to_owned(),
            first_execution_run_id: "0195d3b0-first".to_owned(),
            started: true,
            signal_link: Some(link()),
        };
        let read = RunStarted::decode(answer.encode_to_vec().as_slice()).expect("decodes");
        assert_eq!(read.run_id, answer.run_id);
    }

    #[test]
    fn a_signal_answer_is_skipped_whole_and_a_malformed_one_still_refused() {
        let answer = SignalWorkflowExecutionResponse { link: Some(link()) };
        let bytes = answer.encode_to_vec();
        assert!(!bytes.is_empty());
        Acknowledged::decode(bytes.as_slice()).expect("decodes");
        // Skipping is not trusting: a field cut short is still a decode error.
        assert!(Acknowledged::decode(&bytes[..bytes.len() - 1]).is_err());
    }
}
