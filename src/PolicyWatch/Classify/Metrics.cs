namespace PolicyWatch.Classify;

public sealed record LabelScore(string Label, int Positives, int TruePositives, int FalsePositives, int FalseNegatives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : TruePositives / (double)(TruePositives + FalsePositives);
    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : TruePositives / (double)(TruePositives + FalseNegatives);
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}

public sealed record EvaluationReport(IReadOnlyList<LabelScore> Labels)
{
    public int Tp => Labels.Sum(l => l.TruePositives);
    public int Fp => Labels.Sum(l => l.FalsePositives);
    public int Fn => Labels.Sum(l => l.FalseNegatives);
    public double MicroPrecision => Tp + Fp == 0 ? 0 : Tp / (double)(Tp + Fp);
    public double MicroRecall => Tp + Fn == 0 ? 0 : Tp / (double)(Tp + Fn);
    public double MicroF1 => MicroPrecision + MicroRecall == 0 ? 0 : 2 * MicroPrecision * MicroRecall / (MicroPrecision + MicroRecall);
    public double MacroF1 => Labels.Count == 0 ? 0 : Labels.Average(l => l.F1);

    /// <summary>Scores predicted label sets against gold ones, over the given labels.</summary>
    public static EvaluationReport Compute(IReadOnlyList<string> labels, IReadOnlyList<IReadOnlyCollection<string>> gold, IReadOnlyList<IReadOnlyCollection<string>> predicted)
    {
        var scores = labels.Select(label =>
        {
            int tp = 0, fp = 0, fn = 0, pos = 0;
            for (var i = 0; i < gold.Count; i++)
            {
                var g = gold[i].Contains(label);
                var p = predicted[i].Contains(label);
                if (g) pos++;
                if (g && p) tp++; else if (p) fp++; else if (g) fn++;
            }
            return new LabelScore(label, pos, tp, fp, fn);
        }).ToList();
        return new EvaluationReport(scores);
    }

    public string ToTable()
    {
        var lines = new List<string> { $"{"label",-24} {"pos",5} {"P",6} {"R",6} {"F1",6}" };
        lines.AddRange(Labels.Select(l => $"{l.Label,-24} {l.Positives,5} {l.Precision,6:0.000} {l.Recall,6:0.000} {l.F1,6:0.000}"));
        lines.Add($"{"micro",-24} {"",5} {MicroPrecision,6:0.000} {MicroRecall,6:0.000} {MicroF1,6:0.000}");
        lines.Add($"{"macro F1",-24} {"",5} {"",6} {"",6} {MacroF1,6:0.000}");
        return string.Join('\n', lines);
    }
}
