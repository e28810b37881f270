"""A local AlphaGenome server for the SDK's real clients: grpcio on loopback, started and stopped
by the test. It serves official MetadataResponse files (DnaModelService.GetMetadata, and the
Atlas's scorer metadata built from them), records every request it receives as bytes, and answers
predictions and variant queries with empty results, so the client's own code runs end to end."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Atlas scorers served, as the SDK's RECOMMENDED_VARIANT_SCORERS name them, with their outputs.
ATLAS_SCORERS = {
    "DNASE": "DNASE", "ATAC": "ATAC", "CAGE": "CAGE", "PROCAP": "PROCAP", "CHIP_TF": "CHIP_TF",
    "CHIP_HISTONE": "CHIP_HISTONE", "RNA_SEQ": "RNA_SEQ", "RNA_SEQ_ACTIVE": "RNA_SEQ",
    "SPLICE_SITES": "SPLICE_SITES", "SPLICE_SITE_USAGE": "SPLICE_SITE_USAGE", "CONTACT_MAPS": "CONTACT_MAPS",
}


@dataclass
class Recorder:
    """What the server received: (method, request bytes), in order; and metadata fetches."""

    requests: list[tuple[str, bytes]] = field(default_factory=list)
    metadata_calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, method: str, request: Any) -> None:
        with self.lock:
            self.requests.append((method, request.SerializeToString(deterministic=True)))

    def sent(self, method: str) -> list[bytes]:
        return [data for name, data in self.requests if name == method]


class LocalServer:
    """Serves `files` (organism enum name -> MetadataResponse textproto) on 127.0.0.1."""

    def __init__(self, files: Mapping[str, Path]) -> None:
        import grpc
        from alphagenome.protos import atlas_service_pb2_grpc
        from alphagenome.protos.v1 import dna_model_service_pb2_grpc

        self.recorder = Recorder()
        self.responses: dict[int, Any] = {}
        self.serve(files)
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        dna_model_service_pb2_grpc.add_DnaModelServiceServicer_to_server(_Dna(self), self.server)
        atlas_service_pb2_grpc.add_AtlasServiceServicer_to_server(_Atlas(self), self.server)
        self.port = self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()

    def serve(self, files: Mapping[str, Path]) -> None:
        """Serve these files from now on (a metadata change on the server)."""
        from alphagenome.protos.v1 import dna_model_pb2, dna_model_service_pb2
        from google.protobuf import text_format

        self.responses = {
            dna_model_pb2.Organism.Value(organism): text_format.Parse(
                Path(path).read_text(), dna_model_service_pb2.MetadataResponse())
            for organism, path in files.items()}

    def dna_client(self) -> Any:
        import grpc
        from alphagenome.models import dna_client

        return dna_client.DnaClient(channel=grpc.insecure_channel(f"127.0.0.1:{self.port}"))

    def atlas_client(self) -> Any:
        import grpc
        from alphagenome.atlas import atlas
        from alphagenome.protos import atlas_service_pb2_grpc

        channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        return atlas.AtlasClient(atlas_service_pb2_grpc.AtlasServiceStub(channel))

    def stop(self) -> None:
        self.server.stop(grace=None)


class _Unimplemented:
    """Methods the tests do not serve answer UNIMPLEMENTED (grpcio's own base servicers)."""

    def __getattr__(self, name: str) -> Any:
        def unimplemented(request: Any, context: Any) -> Any:
            import grpc

            context.abort(grpc.StatusCode.UNIMPLEMENTED, f"{name} is not served here")

        return unimplemented


class _Dna(_Unimplemented):
    def __init__(self, owner: LocalServer) -> None:
        self.owner = owner

    def GetMetadata(self, request: Any, context: Any) -> Iterator[Any]:
        import grpc

        self.owner.recorder.metadata_calls += 1
        response = self.owner.responses.get(request.organism)
        if response is None:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "organism not served")
        yield response

    def _predict(self, method: str, requests: Iterator[Any]) -> Iterator[Any]:
        for request in requests:
            self.owner.recorder.add(method, request)
        return iter(())  # no outputs: the client makes an empty Output

    def PredictInterval(self, requests: Iterator[Any], context: Any) -> Iterator[Any]:
        return self._predict("PredictInterval", requests)

    def PredictSequence(self, requests: Iterator[Any], context: Any) -> Iterator[Any]:
        return self._predict("PredictSequence", requests)

    def PredictVariant(self, requests: Iterator[Any], context: Any) -> Iterator[Any]:
        return self._predict("PredictVariant", requests)


class _Atlas(_Unimplemented):
    def __init__(self, owner: LocalServer) -> None:
        self.owner = owner

    def ListVariantScoresMetadata(self, request: Any, context: Any) -> Any:
        from alphagenome.protos import atlas_service_pb2
        from alphagenome.protos.v1 import dna_model_pb2

        self.owner.recorder.metadata_calls += 1
        response = self.owner.responses[dna_model_pb2.ORGANISM_HOMO_SAPIENS]
        tracks = {dna_model_pb2.OutputType.Name(m.output_type).removeprefix("OUTPUT_TYPE_"): m.tracks
                  for m in response.output_metadata if m.WhichOneof("payload") == "tracks"}
        result = atlas_service_pb2.ListVariantScoresMetadataResponse()
        for scorer, output in ATLAS_SCORERS.items():
            entry = result.variant_scorer_metadata.add()
            entry.variant_scorer.name = scorer
            if output in tracks:
                entry.metadata.add().tracks.CopyFrom(tracks[output])
        return result

    def GetDenseVariantScores(self, request: Any, context: Any) -> Any:
        from alphagenome.protos import atlas_service_pb2

        self.owner.recorder.add("GetDenseVariantScores", request)
        return atlas_service_pb2.DenseVariantScores(variant=request.variant)

    def ListDenseVariantScores(self, request: Any, context: Any) -> Any:
        from alphagenome.protos import atlas_service_pb2

        self.owner.recorder.add("ListDenseVariantScores", request)
        return atlas_service_pb2.ListDenseVariantScoresResponse()
