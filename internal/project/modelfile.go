package project

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"time"
)

// modelFileMagic starts an exported model's file (the Parley extension that
// downloads it, docs/compatibility.md). The file is this line, a JSON
// header on one line, and the engine's model, whose length and CRC-32C the
// header gives.
const modelFileMagic = "parley-exported-model 1\n"

// modelFileHeader is the header of a model file.
type modelFileHeader struct {
	Project        string    `json:"projectName"`
	Name           string    `json:"exportedModelName"`
	ModelLabel     string    `json:"trainedModelLabel"`
	ModelID        string    `json:"modelId"`
	Trained        time.Time `json:"lastTrainedDateTime"`
	Exported       time.Time `json:"lastExportedModelDateTime"`
	ExpirationDate string    `json:"modelExpirationDate"`
	ConfigVersion  string    `json:"modelTrainingConfigVersion"`
	Threshold      float64   `json:"confidenceThreshold"`
	Language       string    `json:"language"`
	EngineBytes    int       `json:"engineBytes"`
	EngineCRC32C   uint32    `json:"engineCrc32c"`
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// EncodeModelFile returns the file of an exported model and its engine model.
func EncodeModelFile(e *ExportedModel, engine []byte) ([]byte, error) {
	h, err := json.Marshal(modelFileHeader{Project: e.Project, Name: e.Name, ModelLabel: e.ModelLabel, ModelID: e.ModelID,
		Trained: e.Trained.UTC(), Exported: e.Exported.UTC(), ExpirationDate: e.ExpirationDate, ConfigVersion: e.ConfigVersion,
		Threshold: e.Threshold, Language: e.Language, EngineBytes: len(engine), EngineCRC32C: crc32.Checksum(engine, castagnoli)})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(modelFileMagic) + len(h) + 1 + len(engine))
	b.WriteString(modelFileMagic)
	b.Write(h)
	b.WriteByte('\n')
	b.Write(engine)
	return b.Bytes(), nil
}

// DecodeModelFile reads a model file: the exported model and its engine
// model, checked against the header's length and checksum.
func DecodeModelFile(b []byte) (*ExportedModel, []byte, error) {
	rest, ok := bytes.CutPrefix(b, []byte(modelFileMagic))
	if !ok {
		return nil, nil, errors.New("not a Parley exported model file")
	}
	line, engine, ok := bytes.Cut(rest, []byte("\n"))
	if !ok {
		return nil, nil, errors.New("model file: no header")
	}
	var h modelFileHeader
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, nil, fmt.Errorf("model file header: %w", err)
	}
	if len(engine) != h.EngineBytes || crc32.Checksum(engine, castagnoli) != h.EngineCRC32C {
		return nil, nil, fmt.Errorf("model file: the model is %d bytes with another checksum than the header's %d bytes; the file is damaged or cut short", len(engine), h.EngineBytes)
	}
	return &ExportedModel{Project: h.Project, Name: h.Name, ModelLabel: h.ModelLabel, ModelID: h.ModelID, Trained: h.Trained,
		Exported: h.Exported, ExpirationDate: h.ExpirationDate, ConfigVersion: h.ConfigVersion, Threshold: h.Threshold,
		Language: h.Language}, engine, nil
}
