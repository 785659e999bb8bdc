using PolicyWatch.Classify;

namespace PolicyWatch.Tests.Support;

/// <summary>A small invented corpus with clearly separable labels, for fast trainer tests.</summary>
public static class TinyCorpus
{
    private static readonly string[] Fruit = ["apple orchard harvest", "banana plantation ripening", "cherry blossom orchard", "pear and apple cider", "mango harvest season"];
    private static readonly string[] Boats = ["sailing yacht regatta", "harbour ferry crossing", "fishing trawler crew", "canal barge cargo", "yacht mooring marina"];
    private static readonly string[] Weather = ["storm rainfall forecast", "heatwave temperature record", "snowfall blizzard warning", "drought rainfall deficit", "hurricane storm surge"];

    public static List<LabeledDocument> Documents()
    {
        var docs = new List<LabeledDocument>();
        var n = 0;
        for (var i = 0; i < 12; i++)
        {
            docs.Add(Doc(++n, Fruit[i % 5], $"Growers reported that the {Fruit[i % 5]} went well this year in the valley.", "fruit"));
            docs.Add(Doc(++n, Boats[i % 5], $"The port said the {Boats[i % 5]} drew crowds along the quay.", "boats"));
            docs.Add(Doc(++n, Weather[i % 5], $"Forecasters issued notes on the {Weather[i % 5]} for the coast.", "weather"));
            docs.Add(Doc(++n, "Council meeting minutes", $"The council discussed parking permits and library hours, item {i}."));
        }
        docs.Add(Doc(++n, "Storm delays the ferry", "A storm forecast kept the harbour ferry crossing in port, and the marina closed.", "boats", "weather"));
        return docs;
    }

    private static LabeledDocument Doc(int id, string title, string text, params string[] labels) =>
        new($"t{id}", title, text, labels);
}
